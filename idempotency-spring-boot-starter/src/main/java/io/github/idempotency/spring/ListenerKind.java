package io.github.idempotency.spring;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.StringUtils;

/**
 * Which listener container invokes a method, told by annotation name so that neither library is required.
 */
enum ListenerKind {

	NONE(null), AMQP("org.springframework.amqp.rabbit.annotation.RabbitListener"),
	KAFKA("org.springframework.kafka.annotation.KafkaListener");

	private static final String[] HANDLER_ANNOTATIONS = { "org.springframework.amqp.rabbit.annotation.RabbitHandler",
			"org.springframework.kafka.annotation.KafkaHandler" };

	private final @Nullable String annotation;

	ListenerKind(@Nullable String annotation) {
		this.annotation = annotation;
	}

	static ListenerKind of(Method method, Class<?> beanClass) {
		for (ListenerKind kind : new ListenerKind[] { AMQP, KAFKA }) {
			if (kind.annotates(method) || isClassLevelHandler(method, beanClass, kind)) {
				return kind;
			}
		}
		return NONE;
	}

	Optional<String> id(Method method) {
		if (this.annotation == null) {
			return Optional.empty();
		}
		MergedAnnotation<?> listener = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY)
			.get(this.annotation);
		return listener.isPresent() ? Optional.of(listener.getString("id")).filter(StringUtils::hasText)
				: Optional.empty();
	}

	void verifyKeySource(Idempotent.KeySource source, String description) {
		if (this == NONE) {
			throw new IllegalStateException("@Idempotent on " + description + " needs a key expression "
					+ "(key = \"#...\"): only controller methods and message listeners can read the key from "
					+ "a header, the body or the message");
		}
		if (this == KAFKA && (source == Idempotent.KeySource.BODY_HASH
				|| source == Idempotent.KeySource.MESSAGE_ID)) {
			throw new IllegalStateException("@Idempotent on " + description + " is a Kafka listener, which "
					+ "cannot take its key from " + source + " (Kafka records have no message id): use HEADER "
					+ "with header = \"<name>\", RECORD_KEY (topic and record key) or a key expression");
		}
		if (this == AMQP && (source == Idempotent.KeySource.BODY_HASH
				|| source == Idempotent.KeySource.RECORD_KEY)) {
			throw new IllegalStateException("@Idempotent on " + description + " is a Rabbit listener, which "
					+ "cannot take its key from " + source + ": use MESSAGE_ID, HEADER or a key expression");
		}
	}

	private boolean annotates(AnnotatedElement element) {
		return this.annotation != null
				&& MergedAnnotations.from(element, SearchStrategy.TYPE_HIERARCHY).isPresent(this.annotation);
	}

	private static boolean isClassLevelHandler(Method method, Class<?> beanClass, ListenerKind kind) {
		if (!kind.annotates(beanClass)) {
			return false;
		}
		MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY);
		for (String handler : HANDLER_ANNOTATIONS) {
			if (annotations.isPresent(handler)) {
				return true;
			}
		}
		return false;
	}

}
