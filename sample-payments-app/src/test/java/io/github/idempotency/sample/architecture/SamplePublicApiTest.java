package io.github.idempotency.sample.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.github.idempotency.sample.ArchitectureViolationInternalImport;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app uses only the library's public API, as {@code docs/api.md} lists it: it is the code new users copy.
 */
class SamplePublicApiTest {

	private static final String SAMPLE = "io.github.idempotency.sample";

	private static final Pattern LISTED = Pattern.compile("^\\| `(io\\.github\\.idempotency\\.[\\w.]+?(\\.\\*)?)` \\|",
			Pattern.MULTILINE);

	private static final ArchRule SAMPLE_USES_PUBLIC_API_ONLY = noClasses().that()
		.resideInAPackage(SAMPLE + "..")
		.should()
		.dependOnClassesThat(internalLibraryTypes(publicApi()))
		.because("docs/api.md lists what an application may use");

	@Test
	void sampleImportsOnlyThePublicApi() {
		SAMPLE_USES_PUBLIC_API_ONLY.check(new ClassFileImporter()
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(SAMPLE));
	}

	@Test
	void sampleClassImportingAnInternalTypeIsReported() {
		JavaClasses violation = new ClassFileImporter().importClasses(ArchitectureViolationInternalImport.class);
		assertThat(SAMPLE_USES_PUBLIC_API_ONLY.evaluate(violation).getFailureReport().getDetails()).isNotEmpty()
			.allSatisfy((detail) -> assertThat(detail).contains("IdempotentMethodRegistry"));
	}

	@Test
	void publicApiListsTheAnnotationAndTheStoreSpi() {
		assertThat(publicApi()).contains("io.github.idempotency.spring.Idempotent",
				"io.github.idempotency.core.execution.IdempotencyContext", "io.github.idempotency.core.store.*");
	}

	private static DescribedPredicate<JavaClass> internalLibraryTypes(Set<String> publicApi) {
		return DescribedPredicate.describe("internal types of the library (not listed in docs/api.md)",
				(type) -> type.getPackageName().startsWith("io.github.idempotency.")
						&& !type.getPackageName().startsWith(SAMPLE) && !isPublic(type, publicApi));
	}

	private static boolean isPublic(JavaClass type, Set<String> publicApi) {
		String name = type.getName();
		for (String listed : publicApi) {
			boolean match = listed.endsWith(".*") ? type.getPackageName().equals(listed.substring(0, listed.length() - 2))
					: name.equals(listed) || name.startsWith(listed + "$");
			if (match) {
				return true;
			}
		}
		return false;
	}

	private static Set<String> publicApi() {
		try {
			String api = Files.readString(Path.of("..", "docs", "api.md"));
			int start = api.indexOf("\n## Public");
			int end = api.indexOf("\n## ", start + 1);
			Matcher matcher = LISTED.matcher(api.substring(start, (end < 0) ? api.length() : end));
			Set<String> names = new LinkedHashSet<>();
			while (matcher.find()) {
				names.add(matcher.group(1));
			}
			return names;
		}
		catch (IOException ex) {
			throw new IllegalStateException("docs/api.md cannot be read", ex);
		}
	}

}
