package io.github.idempotency.faultsuite.broken;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs every authenticated request as one shared principal, after Spring Security has authenticated the real
 * one: the idempotency key then carries no user scope, as in a library that keys records by the client's key alone.
 * Only while the {@link BrokenSwitch} is at {@code unscoped-key}; otherwise it passes every request on untouched.
 */
final class UnscopedKeyFilter extends OncePerRequestFilter {

	static final String SHARED_PRINCIPAL = "everyone";

	private final BrokenSwitch brokenSwitch;

	UnscopedKeyFilter(BrokenSwitch brokenSwitch) {
		this.brokenSwitch = brokenSwitch;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		SecurityContext original = SecurityContextHolder.getContext();
		Authentication authentication = original.getAuthentication();
		if (!this.brokenSwitch.is(BrokenSetting.UNSCOPED_KEY) || authentication == null
				|| !authentication.isAuthenticated()) {
			chain.doFilter(request, response);
			return;
		}
		SecurityContext shared = SecurityContextHolder.createEmptyContext();
		shared.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(SHARED_PRINCIPAL, null,
				authentication.getAuthorities()));
		SecurityContextHolder.setContext(shared);
		try {
			chain.doFilter(request, response);
		}
		finally {
			SecurityContextHolder.setContext(original);
		}
	}

}
