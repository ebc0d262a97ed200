package io.github.idempotency.spring;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Applies the {@link IdempotencyInterceptor} to methods annotated with {@link Idempotent}, with Spring AOP alone (no
 * AspectJ). Its order decides where it runs among other advisors; the default,
 * {@code IdempotencyOrder.DEFAULT}, is outside {@code @Transactional}, so that the claim is made before the method's
 * transaction begins and the response is stored after it committed.
 * <p>
 * Matching resolves the annotation through {@link IdempotentMethodRegistry}, so an unusable annotation fails while
 * the bean is proxied, at start-up.
 */
public final class IdempotencyAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient Pointcut pointcut;

	private final transient IdempotencyInterceptor interceptor;

	public IdempotencyAdvisor(IdempotentMethodRegistry methods, IdempotencyInterceptor interceptor, int order) {
		StaticMethodMatcherPointcut pointcut = new StaticMethodMatcherPointcut() {

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return methods.find(method, targetClass).isPresent();
			}

		};
		// skips JDK types, which cannot carry the annotation, without looking at their methods
		pointcut.setClassFilter((type) -> AnnotationUtils.isCandidateClass(type, Idempotent.class));
		this.pointcut = pointcut;
		this.interceptor = interceptor;
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

}
