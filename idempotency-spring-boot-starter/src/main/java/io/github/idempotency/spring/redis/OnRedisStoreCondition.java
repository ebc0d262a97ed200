package io.github.idempotency.spring.redis;

import io.github.idempotency.spring.autoconfigure.IdempotencyProperties.StoreType;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code idempotency.store} is {@code redis} or {@code auto} (the default): in both cases a
 * {@code RedisConnectionFactory} makes Redis the store.
 */
class OnRedisStoreCondition extends SpringBootCondition {

	private static final String PROPERTY = "idempotency.store";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Idempotency Redis store");
		StoreType store = Binder.get(context.getEnvironment()).bind(PROPERTY, StoreType.class).orElse(StoreType.AUTO);
		if (store == StoreType.REDIS || store == StoreType.AUTO) {
			return ConditionOutcome.match(message.because(PROPERTY + " is " + store.name().toLowerCase()));
		}
		return ConditionOutcome.noMatch(message.because(PROPERTY + " is " + store.name().toLowerCase()));
	}

}
