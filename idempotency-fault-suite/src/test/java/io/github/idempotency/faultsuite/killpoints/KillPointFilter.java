package io.github.idempotency.faultsuite.killpoints;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Binds a request's kill point (header {@value KillPoint#HEADER}) and its idempotency key to its thread.
 */
final class KillPointFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String point = request.getHeader(KillPoint.HEADER);
		if (point == null) {
			chain.doFilter(request, response);
			return;
		}
		String key = String.valueOf(request.getHeader("Idempotency-Key"));
		KillPointRequest.bind(new KillPointRequest(KillPoint.of(point), key));
		try {
			chain.doFilter(request, response);
		}
		finally {
			KillPointRequest.bind(null);
		}
	}

}
