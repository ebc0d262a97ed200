package io.github.idempotency.spring.autoconfigure;

import java.util.Locale;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.Assert;

/**
 * The condition behind {@link ConditionalOnIdempotencyStore}.
 */
class OnIdempotencyStoreCondition extends SpringBootCondition {

	private static final String PROPERTY = "idempotency.store";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnIdempotencyStore.class.getName());
		Assert.state(attributes != null, "No @ConditionalOnIdempotencyStore");
		StoreType required = (StoreType) attributes.get("value");
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnIdempotencyStore.class,
				name(required));
		StoreType configured = Binder.get(context.getEnvironment())
			.bind(PROPERTY, StoreType.class)
			.orElse(StoreType.AUTO);
		String because = PROPERTY + " is " + name(configured);
		if (configured == required || configured == StoreType.AUTO) {
			return ConditionOutcome.match(message.because(because));
		}
		return ConditionOutcome.noMatch(message.because(because));
	}

	private static String name(StoreType type) {
		return type.name().toLowerCase(Locale.ROOT);
	}

}
