package io.github.idempotency.sample.security;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic for the API, with {@code /actuator/health}, {@code /actuator/prometheus}, the static files of the
 * checkout page and the API's documentation ({@code /v3/api-docs}, Swagger UI) open, and the operators' endpoint
 * {@code /actuator/idempotency} for the role {@code OPERATOR} only.
 * <p>
 * The users {@code alice} / {@code alice-secret} and {@code bob} / {@code bob-secret} are demo accounts with
 * plain-text passwords: they exist so that the demo can show two callers with the same idempotency key; the operator
 * {@code admin} / {@code admin-secret} may use {@code /actuator/idempotency} (and the API). Never ship them.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/error")
			.permitAll()
			// the checkout page's static files and the API's documentation hold no data; the calls they make are
			// authenticated
			.requestMatchers(HttpMethod.GET, "/", "/checkout.html", "/checkout.js", "/checkout.css", "/v3/api-docs",
					"/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
			.permitAll()
			// the operators' endpoint shows running executions and deletes records: operators only
			.requestMatchers("/actuator/idempotency", "/actuator/idempotency/**")
			.hasRole("OPERATOR")
			.anyRequest()
			.authenticated());
		http.httpBasic(Customizer.withDefaults());
		// a stateless API authenticated on every request has no session for CSRF to protect
		http.csrf((csrf) -> csrf.disable());
		http.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/**
	 * The demo users. A plain {@link UserDetailsService}, not an {@code InMemoryUserDetailsManager}: the manager
	 * is also a {@code UserDetailsPasswordService}, so Spring Security would upgrade the {@code {noop}} passwords
	 * to BCrypt on the first login and then spend tens of milliseconds of CPU on every request, which would swamp
	 * what the demo and the benchmarks measure.
	 */
	@Bean
	UserDetailsService demoUsers() {
		Map<String, UserDetails> users = Stream
			.of(User.withUsername("alice").password("{noop}alice-secret").roles("USER").build(),
					User.withUsername("bob").password("{noop}bob-secret").roles("USER").build(),
					User.withUsername("admin").password("{noop}admin-secret").roles("OPERATOR").build())
			.collect(Collectors.toUnmodifiableMap(UserDetails::getUsername, Function.identity()));
		return (username) -> {
			UserDetails user = users.get(username);
			if (user == null) {
				throw new UsernameNotFoundException(username);
			}
			// a copy: the authentication erases the credentials of the object it is given
			return User.withUserDetails(user).build();
		};
	}

}
