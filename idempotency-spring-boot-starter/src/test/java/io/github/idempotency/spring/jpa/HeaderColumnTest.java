package io.github.idempotency.spring.jpa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HeaderColumnTest {

	@Test
	void roundTripsNamesAndValuesInOrder() {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("Content-Type", List.of("application/json"));
		headers.put("Link", List.of("</a>; rel=\"first\"", "</b>; rel=\"next\""));
		headers.put("X-Odd:Name", List.of("100% sure\r\nnot a header: injected", ""));
		String column = HeaderColumn.encode(headers);
		assertThat(column.lines()).hasSize(5);
		assertThat(HeaderColumn.decode(column)).isEqualTo(headers);
	}

	@Test
	void emptyHeadersAreAnEmptyColumn() {
		assertThat(HeaderColumn.encode(Map.of())).isEmpty();
		assertThat(HeaderColumn.decode("")).isEmpty();
		assertThat(HeaderColumn.decode(null)).isEmpty();
	}

	@Test
	void malformedColumnIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> HeaderColumn.decode("no separator\n"));
		assertThatIllegalArgumentException().isThrownBy(() -> HeaderColumn.decode("Name: value"));
		assertThatIllegalArgumentException().isThrownBy(() -> HeaderColumn.decode("Name: bad %G1\n"));
		assertThatIllegalArgumentException().isThrownBy(() -> HeaderColumn.decode("Name: cut %2\n"));
	}

}
