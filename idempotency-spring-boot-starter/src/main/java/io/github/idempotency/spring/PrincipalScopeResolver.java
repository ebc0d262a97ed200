package io.github.idempotency.spring;

import java.lang.reflect.Method;
import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The default scope, {@link Idempotent.Scope#PRINCIPAL}: the name of the authenticated principal, read from Spring
 * Security's context when Spring Security is present, else from the current servlet request. Every unauthenticated
 * caller shares one fixed scope. Names are prefixed so that no principal name can equal the anonymous or the global
 * scope.
 */
final class PrincipalScopeResolver implements IdempotencyScopeResolver {

	/** The scope of every caller without an authenticated principal. */
	public static final String ANONYMOUS = ANONYMOUS_SCOPE;

	private static final String PRINCIPAL_PREFIX = "principal:";

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder",
			PrincipalScopeResolver.class.getClassLoader());

	private static final boolean SERVLET_WEB_PRESENT = ClassUtils.isPresent(
			"org.springframework.web.context.request.ServletRequestAttributes",
			PrincipalScopeResolver.class.getClassLoader())
			&& ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
					PrincipalScopeResolver.class.getClassLoader());

	@Override
	public String resolveScope(Method method, Object[] arguments) {
		String name = SECURITY_PRESENT ? SecurityPrincipal.name() : null;
		if (name == null && SERVLET_WEB_PRESENT) {
			name = RequestPrincipal.name();
		}
		return scopeOf(name);
	}

	/** The scope of a caller by its principal's name, {@code null} for an anonymous caller. */
	static String scopeOf(@Nullable String principalName) {
		return (principalName != null) ? PRINCIPAL_PREFIX + principalName : ANONYMOUS;
	}

	private static final class SecurityPrincipal {

		static String name() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			if (authentication == null || !authentication.isAuthenticated()
					|| authentication instanceof AnonymousAuthenticationToken) {
				return null;
			}
			return authentication.getName();
		}

	}

	private static final class RequestPrincipal {

		static String name() {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (attributes instanceof ServletRequestAttributes servlet) {
				Principal principal = servlet.getRequest().getUserPrincipal();
				return (principal != null) ? principal.getName() : null;
			}
			return null;
		}

	}

}
