package io.github.idempotency.spring.web;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The status a handler chose itself: its {@link ResponseEntity}'s, else its {@link ResponseStatus} (on the method,
 * else on its class). The annotation is looked up once per handler method, not per request: each lookup scans the
 * annotations and synthesizes the one it finds.
 */
final class DeclaredResponseStatus {

	/** What {@link #of} answers for a handler that chose no status. */
	static final int NONE = -1;

	private final Map<Method, Integer> annotated = new ConcurrentHashMap<>();

	/**
	 * The status a handler's return value or annotation declares.
	 * @param value what the handler returned
	 * @param handler the handler method
	 * @return the status, or {@link #NONE}
	 */
	int of(@Nullable Object value, Method handler) {
		if (value instanceof ResponseEntity<?> entity) {
			return entity.getStatusCode().value();
		}
		Integer status = this.annotated.get(handler);
		if (status == null) {
			status = this.annotated.computeIfAbsent(handler, DeclaredResponseStatus::annotatedStatus);
		}
		return status;
	}

	private static Integer annotatedStatus(Method handler) {
		ResponseStatus annotated = AnnotatedElementUtils.findMergedAnnotation(handler, ResponseStatus.class);
		if (annotated == null) {
			annotated = AnnotatedElementUtils.findMergedAnnotation(handler.getDeclaringClass(), ResponseStatus.class);
		}
		return (annotated != null) ? annotated.code().value() : NONE;
	}

}
