package io.github.idempotency.sample.checkout;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Sends a browser that opens the app's root to the checkout page, which Spring Boot serves from
 * {@code static/checkout.html}.
 */
@Configuration(proxyBeanMethods = false)
class CheckoutPageConfiguration implements WebMvcConfigurer {

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addRedirectViewController("/", "/checkout.html");
	}

}
