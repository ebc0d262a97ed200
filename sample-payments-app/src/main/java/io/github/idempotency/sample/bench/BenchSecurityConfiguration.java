package io.github.idempotency.sample.bench;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;

/**
 * Takes {@code /bench/**} out of Spring Security altogether (no filter runs for it), so that the benchmark measures
 * the handler and idempotency, not HTTP Basic.
 */
@Configuration(proxyBeanMethods = false)
@Profile("bench")
class BenchSecurityConfiguration {

	@Bean
	WebSecurityCustomizer benchPathsWithoutSecurity() {
		return (web) -> web.ignoring().requestMatchers("/bench/**");
	}

}
