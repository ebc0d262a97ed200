package io.github.idempotency.spring.autoconfigure;

import java.net.URL;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.Utf8StringCodec;
import io.github.idempotency.spring.IdempotencyAdvisor;
import io.github.idempotency.spring.IdempotentHttpHandler;
import io.github.idempotency.spring.ResultCodecFactory;
import io.github.idempotency.spring.IdempotencyOrder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.annotation.ResponseStatusExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.ExceptionHandlerExceptionResolver;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every condition of {@link IdempotencyAutoConfiguration}.
 */
class IdempotencyAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

	@Test
	void autoStoreFallsBackToMemory() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class)
				.hasSingleBean(IdempotentExecutor.class)
				.hasSingleBean(IdempotencyAdvisor.class)
				.hasSingleBean(ResultCodecFactory.class);
			assertThat(context.getBean(IdempotentExecutor.class).store())
				.isSameAs(context.getBean(InMemoryIdempotencyStore.class));
		});
	}

	@Test
	void explicitMemoryStoreIsUsed() {
		this.runner.withPropertyValues("idempotency.store=memory")
			.run((context) -> assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class));
	}

	@Test
	void userStoreBeanAlwaysWins() {
		this.runner.withUserConfiguration(UserStoreConfiguration.class)
			.withPropertyValues("idempotency.store=redis")
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyStore.class);
				assertThat(context.getBean(IdempotentExecutor.class).store())
					.isSameAs(context.getBean("userStore"));
			});
	}

	@Test
	void storeFromAStoreAutoConfigurationThatRanBeforeWins() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(IdempotencyAutoConfiguration.class, EarlierStoreAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyStore.class).hasBean("earlierStore");
				assertThat(context.getBean(IdempotentExecutor.class).store()).isSameAs(context.getBean("earlierStore"));
			});
	}

	@Test
	void runsAfterTheRedisAndJpaStoreAutoConfigurations() {
		AutoConfiguration annotation = IdempotencyAutoConfiguration.class.getAnnotation(AutoConfiguration.class);
		assertThat(annotation.afterName()).containsExactlyInAnyOrder(
				"io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration",
				"io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration");
	}

	@Test
	void redisStoreWithoutRedisFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.store=redis").run((context) -> {
			assertThat(context).hasFailed();
			InvalidIdempotencyConfigurationException cause = rootCause(context.getStartupFailure());
			assertThat(cause.getProperty()).isEqualTo("idempotency.store");
			assertThat(cause.getMessage()).contains("idempotency.store is 'redis'");
			FailureAnalysis analysis = new InvalidIdempotencyConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("idempotency.store");
			assertThat(analysis.getAction()).contains("RedisConnectionFactory");
		});
	}

	@Test
	void failureAnalyzerIsRegistered() throws Exception {
		List<String> analyzers = new ArrayList<>();
		Enumeration<URL> factories = getClass().getClassLoader().getResources("META-INF/spring.factories");
		while (factories.hasMoreElements()) {
			Properties properties = PropertiesLoaderUtils.loadProperties(new UrlResource(factories.nextElement()));
			String names = properties.getProperty(FailureAnalyzer.class.getName());
			if (names != null) {
				analyzers.addAll(StringUtils.commaDelimitedListToSet(names));
			}
		}
		assertThat(analyzers).contains(InvalidIdempotencyConfigurationFailureAnalyzer.class.getName());
	}

	@Test
	void jpaStoreWithoutJpaFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.store=jpa").run((context) -> {
			assertThat(context).hasFailed();
			InvalidIdempotencyConfigurationException cause = rootCause(context.getStartupFailure());
			assertThat(cause.getProperty()).isEqualTo("idempotency.store");
			assertThat(cause.getAction()).contains("EntityManagerFactory");
		});
	}

	@Test
	void disabledDefinesNothing() {
		this.runner.withPropertyValues("idempotency.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(IdempotentExecutor.class)
				.doesNotHaveBean(IdempotencyAdvisor.class)
				.doesNotHaveBean(IdempotencyStore.class);
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheExecutor() {
		this.runner.withUserConfiguration(UserExecutorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotentExecutor.class).hasBean("userExecutor");
		});
	}

	@Test
	void invalidKeyMaxLengthFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.key-max-length=300").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context.getStartupFailure()).getProperty()).isEqualTo("idempotency.key-max-length");
		});
	}

	@Test
	void nonPositiveLeaseFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.endpoints.payments.lease=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context.getStartupFailure()).getProperty())
				.isEqualTo("idempotency.endpoints.payments.lease");
		});
	}

	@Test
	void nonPositiveMaxExecutionTimeFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.max-execution-time=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context.getStartupFailure()).getProperty()).isEqualTo("idempotency.max-execution-time");
		});
		this.runner.withPropertyValues("idempotency.endpoints.payments.max-execution-time=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context.getStartupFailure()).getProperty())
				.isEqualTo("idempotency.endpoints.payments.max-execution-time");
		});
	}

	@Test
	void serverErrorInRetryableClientErrorsFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.retryable-client-errors=429,503").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(rootCause(context.getStartupFailure()).getProperty())
				.isEqualTo("idempotency.retryable-client-errors");
		});
	}

	@Test
	void advisorOrderIsConfigurable() {
		this.runner.run((context) -> assertThat(context.getBean(IdempotencyAdvisor.class).getOrder())
			.isEqualTo(IdempotencyOrder.DEFAULT));
		this.runner.withPropertyValues("idempotency.interceptor-order=42")
			.run((context) -> assertThat(context.getBean(IdempotencyAdvisor.class).getOrder()).isEqualTo(42));
	}

	@Test
	void usesTheApplicationsClock() {
		this.runner.withUserConfiguration(ClockConfiguration.class)
			.run((context) -> assertThat(context.getBean(IdempotentExecutor.class).clock())
				.isSameAs(context.getBean(Clock.class)));
	}

	@Test
	void everyListenerBeanReceivesOutcomes() {
		this.runner.withUserConfiguration(ListenersConfiguration.class).run((context) -> {
			IdempotentExecutor executor = context.getBean(IdempotentExecutor.class);
			executor.execute(IdempotencyKey.of("", "op", "k"), RequestFingerprint.of("x"),
					ExecutionPolicy.defaults("op"), new Utf8StringCodec(), () -> "value");
			assertThat(ListenersConfiguration.first).contains(RequestOutcome.EXECUTED);
			assertThat(ListenersConfiguration.second).contains(RequestOutcome.EXECUTED);
		});
	}

	@Test
	void withoutJacksonThereIsNoJsonCodec() {
		this.runner.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ResultCodecFactory.class));
	}

	@Test
	void servletWebApplicationGetsTheFilterAndTheHttpHandler() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.run((context) -> assertThat(context).hasBean("idempotencyFilterRegistration")
				.hasSingleBean(IdempotentHttpHandler.class));
	}

	@Test
	void backsOffWhenTheUserRegistersTheFilter() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withBean("idempotencyFilterRegistration", FilterRegistrationBean.class, FilterRegistrationBean::new)
			.run((context) -> assertThat(context).hasSingleBean(FilterRegistrationBean.class)
				.getBean("idempotencyFilterRegistration")
				.extracting((registration) -> ((FilterRegistrationBean<?>) registration).getFilter())
				.isNull());
	}

	@Test
	void servletWebApplicationResolvesRefusalsBeforeSpringMvcsDefaultResolver() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.run((context) -> {
				List<HandlerExceptionResolver> resolvers = new ArrayList<>(List.of(
						new ExceptionHandlerExceptionResolver(), new ResponseStatusExceptionResolver(),
						new DefaultHandlerExceptionResolver()));
				context.getBean("idempotencyProblemResolverConfigurer", WebMvcConfigurer.class)
					.extendHandlerExceptionResolvers(resolvers);
				// before the @ResponseStatus resolver too, which never resolves a refusal and would look for the
				// annotation on every refused request
				assertThat(resolvers).extracting((resolver) -> resolver.getClass().getSimpleName())
					.containsExactly("ExceptionHandlerExceptionResolver", "IdempotencyProblemResolver",
							"ResponseStatusExceptionResolver", "DefaultHandlerExceptionResolver");
			});
	}

	@Test
	void backsOffWhenTheUserRegistersTheRefusalResolverConfigurer() {
		WebMvcConfigurer own = new WebMvcConfigurer() {
		};
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withBean("idempotencyProblemResolverConfigurer", WebMvcConfigurer.class, () -> own)
			.run((context) -> assertThat(context.getBean("idempotencyProblemResolverConfigurer")).isSameAs(own));
	}

	@Test
	void nonWebApplicationGetsNoFilter() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean("idempotencyFilterRegistration")
			.doesNotHaveBean(IdempotentHttpHandler.class));
	}

	@Test
	void withoutSpringMvcThereIsNoFilter() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("idempotencyFilterRegistration"));
	}

	private static InvalidIdempotencyConfigurationException rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidIdempotencyConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("cause of %s", failure).isNotNull();
		return (InvalidIdempotencyConfigurationException) cause;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		IdempotencyStore userStore() {
			return new InMemoryIdempotencyStore();
		}

	}

	@AutoConfiguration(before = IdempotencyAutoConfiguration.class)
	static class EarlierStoreAutoConfiguration {

		@Bean
		IdempotencyStore earlierStore() {
			return new InMemoryIdempotencyStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserExecutorConfiguration {

		@Bean
		IdempotentExecutor userExecutor() {
			return IdempotentExecutor.builder(new InMemoryIdempotencyStore()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClockConfiguration {

		@Bean
		Clock clock() {
			return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenersConfiguration {

		static final List<RequestOutcome> first = new CopyOnWriteArrayList<>();

		static final List<RequestOutcome> second = new CopyOnWriteArrayList<>();

		@Bean
		IdempotencyListener firstListener() {
			return new IdempotencyListener() {
				@Override
				public void onOutcome(String endpoint, RequestOutcome outcome) {
					first.add(outcome);
				}
			};
		}

		@Bean
		IdempotencyListener secondListener() {
			return new IdempotencyListener() {
				@Override
				public void onOutcome(String endpoint, RequestOutcome outcome) {
					second.add(outcome);
				}
			};
		}

	}

}
