package io.github.idempotency.spring.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.github.idempotency.spring.IdempotentMethod;

import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The operations of web handlers read from Spring MVC's request mappings: every mapped HTTP method with every path
 * pattern, exactly as the pattern is matched at request time (path prefixes included).
 */
public final class RequestMappingOperations implements EndpointOperations {

	private final Supplier<List<RequestMappingHandlerMapping>> mappings;

	/**
	 * @param mappings the application's request mapping handler mappings, read on each use (they are complete once
	 * the context is refreshed)
	 */
	public RequestMappingOperations(Supplier<List<RequestMappingHandlerMapping>> mappings) {
		this.mappings = mappings;
	}

	@Override
	public List<String> of(IdempotentMethod method) {
		if (!method.isWeb()) {
			return NON_WEB.of(method);
		}
		List<String> operations = new ArrayList<>();
		for (RequestMappingHandlerMapping mapping : this.mappings.get()) {
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
				if (!entry.getValue().getMethod().equals(method.method())) {
					continue;
				}
				Set<RequestMethod> verbs = entry.getKey().getMethodsCondition().getMethods();
				List<String> httpMethods = verbs.isEmpty() ? List.copyOf(method.httpMethods())
						: verbs.stream().map(RequestMethod::name).sorted().toList();
				for (String pattern : entry.getKey().getPatternValues()) {
					for (String httpMethod : httpMethods) {
						operations.add(httpMethod + " " + pattern);
					}
				}
			}
		}
		return operations.stream().distinct().sorted().toList();
	}

}
