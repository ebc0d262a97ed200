package io.github.idempotency.core;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The form of random owner tokens, which stores keep in fixed-width columns and scripts, and how tokens read back
 * from a store compare with those held as bits.
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

	@Test
	void tokenReadBackFromAStoreEqualsTheTokenItWasWrittenFrom() {
		OwnerToken issued = OwnerToken.random();
		OwnerToken readBack = new OwnerToken(issued.value());
		assertThat(readBack).isEqualTo(issued).hasSameHashCodeAs(issued);
		assertThat(issued).isEqualTo(readBack);
		assertThat(readBack.value()).isEqualTo(issued.value());
		assertThat(issued).isNotEqualTo(OwnerToken.random());
	}

	@Test
	void tokenWrittenAtOnceKeepsItsDigitsAndEqualsTheSameTokenHeldAsBits() {
		OwnerToken written = OwnerToken.randomWritten();
		assertThat(written.value()).matches("[89a-f][0-9a-f]{15}[89a-f][0-9a-f]{15}").isSameAs(written.value());
		OwnerToken readBack = new OwnerToken(written.value());
		assertThat(readBack).isEqualTo(written).hasSameHashCodeAs(written);
		assertThat(written).isEqualTo(readBack).isNotEqualTo(OwnerToken.randomWritten());
	}

	@Test
	void tokensOfAnotherFormCompareByTheirString() {
		OwnerToken issued = OwnerToken.random();
		String upperCase = issued.value().toUpperCase(java.util.Locale.ROOT);
		assertThat(new OwnerToken(upperCase)).as("a different string").isNotEqualTo(issued);
		assertThat(new OwnerToken("legacy-owner")).isEqualTo(new OwnerToken("legacy-owner"))
			.hasSameHashCodeAs(new OwnerToken("legacy-owner"))
			.isNotEqualTo(new OwnerToken("other-owner"));
		// 32 hex digits whose halves do not start from 8 are not of the random form, and stay as they were given
		String lowHalves = "0123456789abcdef0123456789abcdef";
		assertThat(new OwnerToken(lowHalves).value()).isEqualTo(lowHalves);
		assertThat(new OwnerToken(lowHalves)).isEqualTo(new OwnerToken(lowHalves))
			.isNotEqualTo(new OwnerToken("8123456789abcdef8123456789abcdef"));
		assertThat(new OwnerToken("8123456789abcdef8123456789abcdef"))
			.isEqualTo(new OwnerToken("8123456789abcdef8123456789abcdef"))
			.hasToString("8123456789abcdef8123456789abcdef");
	}

}
