package io.github.idempotency.spring.jpa;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Join-transaction end to end on an in-memory H2 database.
 */
class JoinedTransactionH2Test extends AbstractJoinedTransactionTest {

	@Override
	protected String[] applicationProperties() {
		return new String[] { "spring.datasource.url=" + newDatabase() };
	}

	@Test
	void interceptorOrderedInsideTransactionalFailsAtStartUp() {
		assertThatException()
			.isThrownBy(() -> application(WebApplicationType.SERVLET, "spring.datasource.url=" + newDatabase(),
					"idempotency.interceptor-order=" + Ordered.LOWEST_PRECEDENCE)
				.run()
				.close())
			.havingRootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.withMessageContaining("idempotency.interceptor-order")
			.withMessageContaining("outside @Transactional");
	}

	private static String newDatabase() {
		return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

}
