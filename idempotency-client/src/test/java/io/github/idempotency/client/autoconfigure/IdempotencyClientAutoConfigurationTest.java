package io.github.idempotency.client.autoconfigure;

import java.net.URI;
import java.time.Duration;

import io.github.idempotency.client.IdempotencyKeyGenerator;
import io.github.idempotency.client.IdempotentRetryInterceptor;
import io.github.idempotency.client.metrics.MicrometerIdempotentRetryListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyClientAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(IdempotencyClientAutoConfiguration.class,
					IdempotencyClientMetricsAutoConfiguration.class, RestClientAutoConfiguration.class));

	@Test
	void createsTheInterceptorWithDefaultsAndNoCustomizer() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(IdempotentRetryInterceptor.class);
			assertThat(context).doesNotHaveBean("idempotentRetryRestClientCustomizer");
			assertThat(context.getBean(IdempotentRetryInterceptor.class).toString())
				.contains("header=Idempotency-Key", "[PATCH, POST]", "maxAttempts=4", "maxElapsedTime=PT30S");
		});
	}

	@Test
	void bindsTheProperties() {
		this.runner
			.withPropertyValues("idempotency.client.header-name=X-Key", "idempotency.client.methods=post,put",
					"idempotency.client.max-attempts=7", "idempotency.client.max-elapsed-time=1m",
					"idempotency.client.initial-delay=50ms", "idempotency.client.multiplier=1.5",
					"idempotency.client.max-delay=2s")
			.run((context) -> assertThat(context.getBean(IdempotentRetryInterceptor.class).toString())
				.contains("header=X-Key", "[POST, PUT]", "maxAttempts=7", "maxElapsedTime=PT1M"));
	}

	@Test
	void usesTheApplicationsKeyGenerator() {
		this.runner.withBean(IdempotencyKeyGenerator.class, () -> () -> "app-key").run((context) -> {
			MockClientHttpRequest request = new MockClientHttpRequest(HttpMethod.POST, URI.create("/p"));
			context.getBean(IdempotentRetryInterceptor.class)
				.intercept(request, new byte[0], (req, body) -> new MockClientHttpResponse(new byte[0], HttpStatus.OK));
			assertThat(request.getHeaders().getFirst("Idempotency-Key")).isEqualTo("app-key");
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheInterceptor() {
		IdempotentRetryInterceptor own = IdempotentRetryInterceptor.builder().maxAttempts(1).build();
		this.runner.withBean(IdempotentRetryInterceptor.class, () -> own)
			.run((context) -> assertThat(context.getBean(IdempotentRetryInterceptor.class)).isSameAs(own));
	}

	@Test
	void isSwitchedOffByProperty() {
		this.runner.withPropertyValues("idempotency.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotentRetryInterceptor.class));
	}

	@Test
	void appliesTheInterceptorToBootsRestClientBuilderOnlyWhenAsked() {
		this.runner.withPropertyValues("idempotency.client.customize-rest-client-builder=true").run((context) -> {
			assertThat(context).hasSingleBean(RestClientCustomizer.class);
			RestClient.Builder builder = context.getBean(RestClient.Builder.class);
			builder.requestInterceptors((interceptors) -> assertThat(interceptors)
				.containsExactly(context.getBean(IdempotentRetryInterceptor.class)));
		});
	}

	@Test
	void worksWithoutSpringBootsRestClientModule() {
		this.runner.withClassLoader(new FilteredClassLoader(RestClientCustomizer.class))
			.withPropertyValues("idempotency.client.customize-rest-client-builder=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(IdempotentRetryInterceptor.class);
			});
	}

	@Test
	void invalidSettingsFailTheStartNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.client.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid idempotency.client configuration: max-attempts must be at least 1"));
		this.runner.withPropertyValues("idempotency.client.multiplier=0.5")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid idempotency.client configuration: multiplier must be at least 1"));
	}

	@Test
	void countsAttemptsWhenAMeterRegistryIsPresent() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerIdempotentRetryListener.class);
			MockClientHttpRequest request = new MockClientHttpRequest(HttpMethod.POST, URI.create("/p"));
			MockClientHttpResponse replay = new MockClientHttpResponse(new byte[0], HttpStatus.CREATED);
			replay.getHeaders().set("Idempotent-Replayed", "true");
			context.getBean(IdempotentRetryInterceptor.class).intercept(request, new byte[0], (req, body) -> replay);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("idempotency.client.attempts").tag("outcome", "success").counter().count())
				.isEqualTo(1);
			assertThat(registry.get("idempotency.client.replays").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void publishesNoMetersWithoutARegistryOrWhenSwitchedOff() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MicrometerIdempotentRetryListener.class));
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("idempotency.client.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerIdempotentRetryListener.class));
	}

	@Test
	void worksWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(IdempotentRetryInterceptor.class)
				.doesNotHaveBean(MicrometerIdempotentRetryListener.class));
	}

	@Test
	void defaultsOfThePropertiesMatchTheBuilder() {
		IdempotencyClientProperties properties = new IdempotencyClientProperties();
		assertThat(properties.getMaxAttempts()).isEqualTo(4);
		assertThat(properties.getMaxElapsedTime()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getMethods()).containsExactly("POST", "PATCH");
		assertThat(IdempotentRetryInterceptor.builder().build().toString()).contains("maxAttempts=4", "PT30S");
	}

}
