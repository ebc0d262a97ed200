package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

/**
 * Creates the JPA store's table from the script shipped for the database
 * ({@code io/github/idempotency/spring/jpa/schema-<platform>.sql}, platform {@code postgresql}, {@code h2},
 * {@code mysql} or {@code mariadb}), as Spring Session's JDBC initializer does: for embedded databases only, always,
 * or never ({@code idempotency.jpa.initialize-schema}). The scripts create the table and its purge index only if
 * they do not exist, so running them on every start, from every instance, is safe. Where they exist, the scripts
 * take no lock on the table: an instance that starts while others hold transactions on it neither waits for them nor
 * makes their next statements wait behind its own (PostgreSQL's {@code CREATE INDEX IF NOT EXISTS} would, so its
 * script reads the catalog first). The configured table name
 * replaces {@code idempotency_record} in the script, and names the constraint and index after it.
 */
public class JpaIdempotencySchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** Where the scripts are, with Spring Boot's platform placeholder. */
	public static final String SCHEMA_LOCATION = "classpath:io/github/idempotency/spring/jpa/schema-@@platform@@.sql";

	private final String tableName;

	/**
	 * @param dataSource the database
	 * @param tableName the table to create
	 * @param mode when to create it
	 */
	public JpaIdempotencySchemaInitializer(DataSource dataSource, String tableName, DatabaseInitializationMode mode) {
		super(dataSource, settings(dataSource, mode));
		this.tableName = JpaIdempotencyStore.validateTableName(tableName);
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setMode(mode);
		if (mode != DatabaseInitializationMode.NEVER) {
			settings.setSchemaLocations(
					new PlatformPlaceholderDatabaseDriverResolver().resolveAll(dataSource, SCHEMA_LOCATION));
		}
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> substituted = new ArrayList<>();
		for (Resource script : scripts) {
			substituted.add(new ByteArrayResource(substitute(read(script, encoding)).getBytes(encoding),
					script.getDescription()));
		}
		super.runScripts(new Scripts(substituted).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(encoding));
	}

	/**
	 * The script with the configured table name.
	 * @param script the shipped script
	 * @return the script for this table
	 */
	String substitute(String script) {
		String unqualified = this.tableName.substring(this.tableName.lastIndexOf('.') + 1);
		return script.replace(JpaIdempotencyStore.DEFAULT_TABLE_NAME + "_", "\u0000")
			.replace(JpaIdempotencyStore.DEFAULT_TABLE_NAME, this.tableName)
			.replace("\u0000", unqualified + "_");
	}

	private static String read(Resource script, Charset encoding) {
		try {
			return script.getContentAsString(encoding);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + script, ex);
		}
	}

}
