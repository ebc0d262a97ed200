package io.github.idempotency.spring.messaging;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * What every crashing consumer's child JVM (see {@link ConsumerCrashHarness}) has whatever its broker: the
 * {@link ChargeLedger} from {@code test.ledger.url}, {@code test.ledger.username}, {@code test.ledger.password} and
 * {@code test.ledger.table}, its {@link KillPoint} from {@code test.kill-at} and {@code test.kill-message}, and the
 * {@link CrashingConsumerCharge} its listener books with both. Imported by the consumer's application class; not a
 * {@code @Configuration}, so that no component scan ever picks it up.
 */
public class CrashingConsumerConfiguration {

	/**
	 * Runs a consumer application in this (child) JVM, then tells the test it is ready.
	 * @param application the application class
	 * @param args its command line
	 */
	public static void run(Class<?> application, String[] args) {
		new SpringApplicationBuilder(application).web(WebApplicationType.NONE).run(args);
		ChildJvm.report("ready", Long.toString(ProcessHandle.current().pid()));
	}

	@Bean
	ChargeLedger chargeLedger(@Value("${test.ledger.url}") String url,
			@Value("${test.ledger.username:}") String username, @Value("${test.ledger.password:}") String password,
			@Value("${test.ledger.table}") String table) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		if (!username.isEmpty()) {
			config.setUsername(username);
			config.setPassword(password);
		}
		config.setMaximumPoolSize(2);
		config.setPoolName("charge-ledger");
		// not a DataSource bean, so that the store's auto-configuration never picks the ledger's pool; it lives as
		// long as this JVM
		return new ChargeLedger(new HikariDataSource(config), table);
	}

	@Bean
	CrashingConsumerCharge crashingConsumerCharge(ChargeLedger ledger, KillPoint killPoint) {
		return new CrashingConsumerCharge(ledger, killPoint);
	}

	@Bean
	KillPoint killPoint(@Value("${test.kill-at}") String where, @Value("${test.kill-message:}") String messageId) {
		return new KillPoint(where, messageId);
	}

}
