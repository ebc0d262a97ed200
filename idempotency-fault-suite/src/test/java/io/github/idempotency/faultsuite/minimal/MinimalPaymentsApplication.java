package io.github.idempotency.faultsuite.minimal;

import io.github.idempotency.faultsuite.killpoints.KillPointAutoConfiguration;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The minimal payments app, for the scenario that starts one configuration many times (scenario 2, 23 starts per
 * database). It has what that scenario tests, and nothing else: one {@code @Idempotent @Transactional} endpoint that
 * inserts a row through JPA, with the JPA store joining its transaction. The auto-configurations are listed rather
 * than discovered, so that the security, actuator, metrics and validation on the shared class path stay out: a start
 * takes about half the sample app's CPU (docs/reliability.md). Its settings are in {@code minimal-app.yml}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@AutoConfigurationPackage
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, DataSourceAutoConfiguration.class,
		HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class, JacksonAutoConfiguration.class,
		HttpMessageConvertersAutoConfiguration.class, TomcatServletWebServerAutoConfiguration.class,
		DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, IdempotencyAutoConfiguration.class,
		JpaIdempotencyStoreAutoConfiguration.class, KillPointAutoConfiguration.class })
@Import(MinimalPaymentsController.class)
public class MinimalPaymentsApplication {

	public static void main(String[] args) {
		SpringApplication.run(MinimalPaymentsApplication.class, args);
	}

}
