package io.github.idempotency.spring.openapi.autoconfigure;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.openapi.IdempotencyOperationCustomizer;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.junit.jupiter.api.Test;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.method.HandlerMethod;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyOpenApiAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyOpenApiAutoConfiguration.class));

	@Test
	void documentsTheConfiguredHeaderAndKeyLength() {
		this.runner.withPropertyValues("idempotency.header-name=X-Request-Key", "idempotency.key-max-length=40")
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyOperationCustomizer.class);
				Operation operation = context.getBean(IdempotencyOperationCustomizer.class)
					.customize(new Operation().responses(new ApiResponses()), idempotentHandler());
				assertThat(operation.getParameters()).singleElement().satisfies((parameter) -> {
					assertThat(parameter.getName()).isEqualTo("X-Request-Key");
					assertThat(parameter.getSchema().getMaxLength()).isEqualTo(40);
				});
			});
	}

	@Test
	void backsOffWithoutSpringdoc() {
		this.runner.withClassLoader(new FilteredClassLoader(OperationCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class));
	}

	@Test
	void backsOffWhenIdempotencyIsDisabled() {
		this.runner.withPropertyValues("idempotency.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class));
	}

	@Test
	void backsOffWhenApiDocsAreDisabled() {
		this.runner.withPropertyValues("springdoc.api-docs.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class));
	}

	@Test
	void backsOffOutsideAWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(IdempotencyOpenApiAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnCustomizer() {
		this.runner.withUserConfiguration(OwnCustomizer.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyOperationCustomizer.class);
			assertThat(context).getBean(IdempotencyOperationCustomizer.class)
				.isSameAs(context.getBean(OwnCustomizer.class).customizer);
		});
	}

	private static HandlerMethod idempotentHandler() {
		return new HandlerMethod(new Endpoint(), ReflectionUtils.findMethod(Endpoint.class, "pay"));
	}

	static class Endpoint {

		@Idempotent
		void pay() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCustomizer {

		final IdempotencyOperationCustomizer customizer = new IdempotencyOperationCustomizer("Key", 10);

		@Bean
		IdempotencyOperationCustomizer ownIdempotencyOperationCustomizer() {
			return this.customizer;
		}

	}

}
