package io.github.idempotency.spring.autoconfigure;

import io.github.idempotency.spring.autoconfigure.IdempotencyProperties.StoreType;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code idempotency.store} is {@code memory}, or {@code auto} (the default) so that memory is the
 * fallback once the Redis and JPA auto-configurations defined no store.
 */
class MemoryStoreCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		StoreType type = Binder.get(context.getEnvironment())
			.bind("idempotency.store", StoreType.class)
			.orElse(StoreType.AUTO);
		if (type == StoreType.MEMORY || type == StoreType.AUTO) {
			return ConditionOutcome.match("idempotency.store is " + type.name().toLowerCase());
		}
		return ConditionOutcome.noMatch("idempotency.store is " + type.name().toLowerCase());
	}

}
