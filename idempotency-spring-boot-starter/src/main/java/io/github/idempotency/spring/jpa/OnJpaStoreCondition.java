package io.github.idempotency.spring.jpa;

import io.github.idempotency.spring.autoconfigure.IdempotencyProperties.StoreType;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code idempotency.store} is {@code jpa} or {@code auto} (the default).
 */
class OnJpaStoreCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		StoreType store = Binder.get(context.getEnvironment())
			.bind("idempotency.store", StoreType.class)
			.orElse(StoreType.AUTO);
		if (store == StoreType.JPA || store == StoreType.AUTO) {
			return ConditionOutcome.match("idempotency.store is " + store.name().toLowerCase());
		}
		return ConditionOutcome.noMatch("idempotency.store is " + store.name().toLowerCase());
	}

}
