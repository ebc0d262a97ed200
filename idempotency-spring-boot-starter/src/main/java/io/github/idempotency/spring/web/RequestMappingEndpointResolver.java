package io.github.idempotency.spring.web;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.idempotency.spring.HttpEndpoint;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpEntity;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Tells which {@code @Idempotent} methods are Spring MVC handlers, with their HTTP methods and a default endpoint
 * name built from the mapping (such as {@code POST /payments}).
 */
public final class RequestMappingEndpointResolver implements HttpEndpoint.Resolver {

	/**
	 * Describes a handler method.
	 * @param method the method
	 * @param beanClass the controller's class
	 * @return the description, or {@code null} when the method is not a request handler of a controller
	 * @throws IllegalStateException when the handler renders a view: only response bodies can be replayed
	 */
	@Override
	public @Nullable HttpEndpoint resolve(Method method, Class<?> beanClass) {
		if (!AnnotatedElementUtils.hasAnnotation(beanClass, Controller.class)) {
			return null;
		}
		RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
		if (mapping == null) {
			return null;
		}
		Class<?> returnType = method.getReturnType();
		boolean body = AnnotatedElementUtils.hasAnnotation(beanClass, ResponseBody.class)
				|| AnnotatedElementUtils.hasAnnotation(method, ResponseBody.class)
				|| HttpEntity.class.isAssignableFrom(returnType) || returnType == void.class;
		if (!body) {
			throw new IllegalStateException("@Idempotent on " + ClassUtils.getQualifiedMethodName(method, beanClass)
					+ " cannot replay a rendered view: annotate handlers that write a response body "
					+ "(@ResponseBody, @RestController or ResponseEntity)");
		}
		RequestMapping typeMapping = AnnotatedElementUtils.findMergedAnnotation(beanClass, RequestMapping.class);
		RequestMethod[] methods = (mapping.method().length > 0) ? mapping.method()
				: (typeMapping != null && typeMapping.method().length > 0) ? typeMapping.method()
						: RequestMethod.values();
		Set<String> httpMethods = Arrays.stream(methods)
			.map(RequestMethod::name)
			.collect(Collectors.toCollection(LinkedHashSet::new));
		String path = first(typeMapping) + first(mapping);
		String verbs = (mapping.method().length > 0 || (typeMapping != null && typeMapping.method().length > 0))
				? String.join(",", httpMethods) : "*";
		return new HttpEndpoint(verbs + " " + (path.isEmpty() ? "/" : path), Set.copyOf(httpMethods));
	}

	private static String first(@Nullable RequestMapping mapping) {
		if (mapping == null || mapping.path().length == 0) {
			return "";
		}
		return mapping.path()[0];
	}

}
