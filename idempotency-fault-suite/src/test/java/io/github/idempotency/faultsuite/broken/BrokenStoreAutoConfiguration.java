package io.github.idempotency.faultsuite.broken;

import java.util.Arrays;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration;
import io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * Test-only: on the class path of the fault suite's child apps, inert unless {@code fault-suite.broken} names a
 * {@link BrokenSetting}. A broken store wraps the store the library configured and becomes the primary one, which
 * the executor uses; the unscoped key is a filter after Spring Security.
 */
@AutoConfiguration(after = { IdempotencyAutoConfiguration.class, RedisIdempotencyStoreAutoConfiguration.class,
		JpaIdempotencyStoreAutoConfiguration.class })
@ConditionalOnProperty(BrokenSetting.PROPERTY)
public final class BrokenStoreAutoConfiguration {

	private static final String BROKEN_STORE = "faultSuiteBrokenStore";

	@Bean(BROKEN_STORE)
	@Primary
	@ConditionalOnExpression("'${fault-suite.broken:}' matches 'read-then-write-claim|unfenced-completion|no-renewal|no-completion-retry'")
	IdempotencyStore faultSuiteBrokenStore(ListableBeanFactory beans, Environment environment) {
		String setting = environment.getRequiredProperty(BrokenSetting.PROPERTY);
		String delegateName = Arrays.stream(beans.getBeanNamesForType(IdempotencyStore.class, false, false))
			.filter((name) -> !name.equals(BROKEN_STORE))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no IdempotencyStore to break"));
		IdempotencyStore delegate = beans.getBean(delegateName, IdempotencyStore.class);
		return switch (setting) {
			case "read-then-write-claim" -> new ReadThenWriteClaimStore(delegate);
			case "unfenced-completion" -> new UnfencedCompletionStore(delegate);
			case "no-renewal" -> new NoRenewalStore(delegate);
			case "no-completion-retry" -> new NoCompletionRetryStore(delegate);
			default -> throw new IllegalStateException("unknown " + BrokenSetting.PROPERTY + ": " + setting);
		};
	}

	@Bean
	@ConditionalOnProperty(name = BrokenSetting.PROPERTY, havingValue = "unscoped-key")
	FilterRegistrationBean<UnscopedKeyFilter> faultSuiteUnscopedKeyFilter() {
		FilterRegistrationBean<UnscopedKeyFilter> registration = new FilterRegistrationBean<>(new UnscopedKeyFilter());
		// Spring Security's chain runs at -100: this runs after it has authenticated the real caller
		registration.setOrder(0);
		return registration;
	}

}
