package io.github.idempotency.core.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;

import org.springframework.util.StringUtils;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core stays plain Java: no Spring, no Micrometer. Each rule is also run against a deliberate violation, so a
 * rule that silently matches nothing cannot pass for a rule that holds.
 */
class CoreArchitectureTest {

	private static final ArchRule CORE_IMPORTS_NO_FRAMEWORK = noClasses().that()
		.resideInAPackage("io.github.idempotency.core..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..", "io.micrometer..")
		.because("idempotency-core runs without any framework; the starter adapts it to Spring and Micrometer");

	@Test
	void coreImportsNothingFromSpringOrMicrometer() {
		JavaClasses core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.github.idempotency.core");

		assertThat(core).as("the core's production classes were imported").isNotEmpty();
		CORE_IMPORTS_NO_FRAMEWORK.check(core);
	}

	@Test
	void ruleReportsACoreClassThatUsesSpring() {
		EvaluationResult result = CORE_IMPORTS_NO_FRAMEWORK
			.evaluate(new ClassFileImporter().importClasses(UsesSpring.class));

		assertThat(result.hasViolation()).isTrue();
		assertThat(result.getFailureReport().getDetails()).anySatisfy(
				(detail) -> assertThat(detail).contains(UsesSpring.class.getName(), StringUtils.class.getName()));
	}

	@Test
	void ruleReportsACoreClassThatUsesMicrometer() {
		EvaluationResult result = CORE_IMPORTS_NO_FRAMEWORK
			.evaluate(new ClassFileImporter().importClasses(UsesMicrometer.class));

		assertThat(result.hasViolation()).isTrue();
		assertThat(result.getFailureReport().getDetails()).anySatisfy(
				(detail) -> assertThat(detail).contains(UsesMicrometer.class.getName(), Counter.class.getName()));
	}

	/** A core class in the forbidden shape: it calls Spring. */
	static final class UsesSpring {

		boolean hasText(String text) {
			return StringUtils.hasText(text);
		}

	}

	/** A core class in the forbidden shape: it counts with Micrometer. */
	static final class UsesMicrometer {

		void count(Counter counter) {
			counter.increment();
		}

	}

}
