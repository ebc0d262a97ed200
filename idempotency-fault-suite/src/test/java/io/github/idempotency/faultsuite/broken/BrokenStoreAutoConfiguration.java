package io.github.idempotency.faultsuite.broken;

import java.util.Arrays;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration;
import io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * Test-only: on the class path of the fault suite's child apps, inert unless {@code fault-suite.broken} names a
 * {@link BrokenSetting} or {@code none}. The store the library configured is then wrapped in a
 * {@link SwitchableStore}, the primary one, which the executor uses; the unscoped key is a filter after Spring
 * Security. Both follow a {@link BrokenSwitch}, which starts at the property's value and can be switched at run time
 * ({@link BrokenSwitchController}), so that a negative control runs in the same app as the scenario's main run.
 */
@AutoConfiguration(after = { IdempotencyAutoConfiguration.class, RedisIdempotencyStoreAutoConfiguration.class,
		JpaIdempotencyStoreAutoConfiguration.class })
@ConditionalOnProperty(BrokenSetting.PROPERTY)
public final class BrokenStoreAutoConfiguration {

	private static final String BROKEN_STORE = "faultSuiteBrokenStore";

	@Bean
	BrokenSwitch faultSuiteBrokenSwitch(Environment environment) {
		return new BrokenSwitch(environment.getRequiredProperty(BrokenSetting.PROPERTY));
	}

	@Bean
	BrokenSwitchController faultSuiteBrokenSwitchController(BrokenSwitch brokenSwitch) {
		return new BrokenSwitchController(brokenSwitch);
	}

	@Bean(BROKEN_STORE)
	@Primary
	IdempotencyStore faultSuiteBrokenStore(ListableBeanFactory beans, BrokenSwitch brokenSwitch) {
		String delegateName = Arrays.stream(beans.getBeanNamesForType(IdempotencyStore.class, false, false))
			.filter((name) -> !name.equals(BROKEN_STORE))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no IdempotencyStore to break"));
		return new SwitchableStore(beans.getBean(delegateName, IdempotencyStore.class), brokenSwitch);
	}

	@Bean
	FilterRegistrationBean<UnscopedKeyFilter> faultSuiteUnscopedKeyFilter(BrokenSwitch brokenSwitch) {
		FilterRegistrationBean<UnscopedKeyFilter> registration = new FilterRegistrationBean<>(
				new UnscopedKeyFilter(brokenSwitch));
		// Spring Security's chain runs at -100: this runs after it has authenticated the real caller
		registration.setOrder(0);
		return registration;
	}

}
