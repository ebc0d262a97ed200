package io.github.idempotency.core;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The form of random owner tokens, which stores keep in fixed-width columns and scripts.
 */
class OwnerTokenTest {

	@Test
	void randomTokensAreDistinctThirtyTwoLowercaseHexDigitsWithEachHalfFull() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			String token = OwnerToken.random().value();
			assertThat(token).matches("[89a-f][0-9a-f]{15}[89a-f][0-9a-f]{15}");
			seen.add(token);
		}
		assertThat(seen).hasSize(10_000);
	}

}
