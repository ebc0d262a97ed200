package io.github.idempotency.faultsuite.killpoints;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Test-only: on the class path of the fault suite's child apps, inert unless {@value KillPoint#PROPERTY} is
 * {@code true}. Wraps the application's {@link DataSource} so that a request with a {@value KillPoint#HEADER}
 * header stops at that point of its business transaction (the one that touches the table
 * {@value KillPoint#TABLE_PROPERTY} names, {@code payment} by default) until the scenario kills the app.
 */
@AutoConfiguration
@ConditionalOnProperty(name = KillPoint.PROPERTY, havingValue = "true")
public final class KillPointAutoConfiguration {

	@Bean
	static BeanPostProcessor faultSuiteKillPointDataSource(Environment environment) {
		String table = environment.getProperty(KillPoint.TABLE_PROPERTY, "payment");
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof DataSource dataSource && !(bean instanceof KillPointDataSource))
						? new KillPointDataSource(dataSource, table) : bean;
			}

		};
	}

	@Bean
	FilterRegistrationBean<KillPointFilter> faultSuiteKillPointFilter() {
		FilterRegistrationBean<KillPointFilter> registration = new FilterRegistrationBean<>(new KillPointFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
