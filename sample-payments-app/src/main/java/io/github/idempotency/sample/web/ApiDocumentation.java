package io.github.idempotency.sample.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's title and its HTTP Basic security scheme, so that Swagger UI's "Authorize" button signs
 * calls in as a demo user. The idempotency headers and problems of each {@code @Idempotent} operation are added by
 * the starter.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

	private static final String BASIC = "basic";

	@Bean
	OpenAPI samplePaymentsOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Sample payments app")
				.version("demo")
				.description("Payments and orders behind @Idempotent. Demo users: alice / alice-secret, "
						+ "bob / bob-secret."))
			.components(new Components().addSecuritySchemes(BASIC,
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
			.addSecurityItem(new SecurityRequirement().addList(BASIC));
	}

}
