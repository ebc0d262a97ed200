package io.github.idempotency.spring.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.github.idempotency.spring.ArchitectureViolationRootImportingWeb;
import io.github.idempotency.spring.IdempotentMethod;
import io.github.idempotency.spring.jpa.ArchitectureViolationJpaImportingRedis;
import io.github.idempotency.spring.redis.ArchitectureViolationRedisImportingJpa;
import io.github.idempotency.spring.redis.ArchitectureViolationRedisImportingWeb;
import io.github.idempotency.spring.redis.ArchitectureViolationRuntimeImportingAutoConfiguration;
import io.github.idempotency.spring.web.ServletIdempotentHttpHandler;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's dependency rules: auto-configuration imports the runtime, never the reverse; the stores stay apart
 * and away from the servlet layer; the packages form no cycle. Each rule is also shown to catch a deliberate
 * violation (test-only classes placed in the forbidden shape), so that a rule that matches nothing cannot pass
 * silently.
 */
class StarterArchitectureTest {

	private static final String STARTER = "io.github.idempotency.spring";

	static final ArchRule RUNTIME_NEVER_IMPORTS_AUTO_CONFIGURATION = noClasses().that()
		.resideInAPackage(STARTER + "..")
		.and()
		.resideOutsideOfPackage("..autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage(STARTER + "..autoconfigure..")
		.because("auto-configuration builds settings and hands them to the runtime, as in Spring Boot's modules");

	static final ArchRule REDIS_NEITHER_IMPORTS_JPA_NOR_WEB = noClasses().that()
		.resideInAPackage(STARTER + ".redis..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(STARTER + ".jpa..", STARTER + ".web..")
		.because("a store package never imports another store nor the servlet layer");

	static final ArchRule JPA_NEITHER_IMPORTS_REDIS_NOR_WEB = noClasses().that()
		.resideInAPackage(STARTER + ".jpa..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(STARTER + ".redis..", STARTER + ".web..")
		.because("a store package never imports another store nor the servlet layer");

	// one slice per package: an autoconfigure sub-package is a slice of its own, apart from its runtime package
	static final ArchRule PACKAGES_ARE_FREE_OF_CYCLES = slices().matching("io.github.idempotency.(**)")
		.namingSlices("$1")
		.should()
		.beFreeOfCycles();

	private static final JavaClasses STARTER_CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(STARTER);

	@Test
	void runtimePackagesNeverImportAutoConfiguration() {
		RUNTIME_NEVER_IMPORTS_AUTO_CONFIGURATION.check(STARTER_CLASSES);
	}

	@Test
	void redisPackageImportsNeitherJpaNorWeb() {
		REDIS_NEITHER_IMPORTS_JPA_NOR_WEB.check(STARTER_CLASSES);
	}

	@Test
	void jpaPackageImportsNeitherRedisNorWeb() {
		JPA_NEITHER_IMPORTS_REDIS_NOR_WEB.check(STARTER_CLASSES);
	}

	@Test
	void starterPackagesHaveNoCycles() {
		PACKAGES_ARE_FREE_OF_CYCLES.check(STARTER_CLASSES);
	}

	@Test
	void runtimeClassImportingAutoConfigurationIsReported() {
		assertThat(RUNTIME_NEVER_IMPORTS_AUTO_CONFIGURATION
			.evaluate(classes(ArchitectureViolationRuntimeImportingAutoConfiguration.class))
			.getFailureReport()
			.getDetails()).singleElement()
			.asString()
			.contains(ArchitectureViolationRuntimeImportingAutoConfiguration.class.getName(), "IdempotencyProperties");
	}

	@Test
	void redisClassImportingJpaIsReported() {
		assertThat(REDIS_NEITHER_IMPORTS_JPA_NOR_WEB.evaluate(classes(ArchitectureViolationRedisImportingJpa.class))
			.getFailureReport()
			.getDetails()).isNotEmpty()
			.allSatisfy((detail) -> assertThat(detail).contains("JpaIdempotencyStore"));
	}

	@Test
	void redisClassImportingWebIsReported() {
		assertThat(REDIS_NEITHER_IMPORTS_JPA_NOR_WEB.evaluate(classes(ArchitectureViolationRedisImportingWeb.class))
			.getFailureReport()
			.getDetails()).isNotEmpty()
			.allSatisfy((detail) -> assertThat(detail).contains("IdempotencyFilter"));
	}

	@Test
	void jpaClassImportingRedisIsReported() {
		assertThat(JPA_NEITHER_IMPORTS_REDIS_NOR_WEB.evaluate(classes(ArchitectureViolationJpaImportingRedis.class))
			.getFailureReport()
			.getDetails()).isNotEmpty()
			.allSatisfy((detail) -> assertThat(detail).contains("RedisIdempotencyStore"));
	}

	@Test
	void cycleBetweenTheRootPackageAndWebIsReported() {
		// the web handler imports the root package; the test-only class closes the cycle from the root package
		JavaClasses cycle = classes(ArchitectureViolationRootImportingWeb.class, ServletIdempotentHttpHandler.class,
				IdempotentMethod.class);
		assertThat(PACKAGES_ARE_FREE_OF_CYCLES.evaluate(cycle).hasViolation()).isTrue();
		assertThat(PACKAGES_ARE_FREE_OF_CYCLES.evaluate(classes(ServletIdempotentHttpHandler.class,
				IdempotentMethod.class)).hasViolation()).isFalse();
	}

	private static JavaClasses classes(Class<?>... classes) {
		return new ClassFileImporter().importClasses(classes);
	}

}
