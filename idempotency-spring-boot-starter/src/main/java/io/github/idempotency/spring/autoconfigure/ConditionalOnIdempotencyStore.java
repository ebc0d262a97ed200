package io.github.idempotency.spring.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when {@code idempotency.store} names the given store, or is {@code auto} (the default): then the store
 * auto-configurations are tried in their order (Redis, JPA, memory), and the first one whose infrastructure exists
 * defines the store, which makes the later ones back off.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnIdempotencyStoreCondition.class)
public @interface ConditionalOnIdempotencyStore {

	/**
	 * The store the annotated configuration defines.
	 * @return the store type, never {@link StoreType#AUTO}
	 */
	StoreType value();

}
