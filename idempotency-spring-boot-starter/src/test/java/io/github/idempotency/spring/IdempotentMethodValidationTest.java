package io.github.idempotency.spring;

import java.util.concurrent.CompletableFuture;

import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unusable {@code @Idempotent} fails the start-up with a message that names the method.
 */
class IdempotentMethodValidationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
		.withPropertyValues("idempotency.store=memory");

	@Test
	void unparsableKeyExpressionFailsAtStartUp() {
		this.runner.withBean(BrokenKey.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("Invalid key expression")
			.hasMessageContaining("BrokenKey.handle"));
	}

	@Test
	void invalidDurationFailsAtStartUp() {
		this.runner.withBean(BrokenTtl.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("Invalid ttl 'soon'"));
	}

	@Test
	void asynchronousReturnTypeIsRefusedAtStartUp() {
		this.runner.withBean(AsyncResult.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("asynchronous")
			.hasMessageContaining("CompletableFuture"));
	}

	@Test
	void nonWebMethodWithoutKeyExpressionIsRefusedAtStartUp() {
		this.runner.withBean(NoKey.class).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("needs a key expression"));
	}

	@Test
	void nonWebMethodWithoutJacksonIsRefusedAtStartUp() {
		this.runner.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withUserConfiguration(JacksonlessConfiguration.class)
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("needs Jackson"));
	}

	@Test
	void customScopeUsesTheResolverBean() {
		this.runner.withBean(CustomScoped.class)
			.withBean(IdempotencyScopeResolver.class, () -> (method, arguments) -> (String) arguments[0])
			.run((context) -> {
				CustomScoped bean = context.getBean(CustomScoped.class);
				assertThat(bean.handle("tenant-a", "k")).isEqualTo(1);
				assertThat(bean.handle("tenant-a", "k")).isEqualTo(1);
				assertThat(bean.handle("tenant-b", "k")).isEqualTo(2);
			});
	}

	static class BrokenKey {

		@Idempotent(key = "#id +")
		public String handle(String id) {
			return id;
		}

	}

	static class BrokenTtl {

		@Idempotent(key = "#id", ttl = "soon")
		public String handle(String id) {
			return id;
		}

	}

	static class AsyncResult {

		@Idempotent(key = "#id")
		public CompletableFuture<String> handle(String id) {
			return CompletableFuture.completedFuture(id);
		}

	}

	static class NoKey {

		@Idempotent
		public String handle(String id) {
			return id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JacksonlessConfiguration {

		@Bean
		NoJackson noJackson() {
			return new NoJackson();
		}

	}

	static class NoJackson {

		@Idempotent(key = "#id")
		public String handle(String id) {
			return id;
		}

	}

	static class CustomScoped {

		private int runs;

		@Idempotent(key = "#key", scope = Idempotent.Scope.CUSTOM)
		public int handle(String tenant, String key) {
			return ++this.runs;
		}

	}

}
