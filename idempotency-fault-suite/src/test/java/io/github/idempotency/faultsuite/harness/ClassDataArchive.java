package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Class-data sharing archives of the child apps' classes (AppCDS): the sample app's default configuration's, and one
 * per configuration that asks for its own (its app, its Spring profile and, for JPA, the database the JDBC URL names:
 * the PostgreSQL and the MariaDB runs load different drivers and dialects; see {@link ChildApp}). Each is made by a
 * training start of the app in that configuration ({@code -XX:ArchiveClassesAtExit}): it starts as a child app would,
 * against the same store, answers its readiness check and its caller's warm-up, and stops with {@code SIGTERM}, so that
 * the archive holds what a child's start-up and first requests load (one trained with the default configuration held
 * 16,466 of the 19,415 classes a PostgreSQL child loads; one trained on that configuration 18,859). Every child app of
 * that configuration after it maps it: the classes come parsed and verified, which saves part of each start-up's CPU.
 * An archive is made again only when the class path changed (its jars, their sizes and time stamps, recorded next to
 * it), so a second run in the same {@code target/} reuses it. The suite runs without archives when
 * {@code -Dfault-suite.cds=false}; a configuration runs without one when its training fails twice (its log says why); a
 * JVM that finds an archive stale ignores it and loads its classes as usual.
 */
final class ClassDataArchive {

	// per configuration: whether its archive is usable (absent: not trained yet in this JVM)
	private static final Map<String, Boolean> usable = new HashMap<>();

	// per configuration: failed trainings. A training fails when its start does (scenario 8's app exits at start-up
	// by design, a store may be down), so the next start of that configuration tries once more
	private static final Map<String, Integer> failures = new HashMap<>();

	private static final int TRAININGS = 2;

	private ClassDataArchive() {
	}

	/**
	 * A training start: the app in the configuration, started with the given JVM options (which write the archive
	 * when the JVM exits), warmed up as its caller's instances are, then stopped with {@code SIGTERM}.
	 */
	@FunctionalInterface
	interface Training {

		/**
		 * Runs the training start.
		 * @param jvmOptions the options that make the JVM write the archive at its exit
		 * @param log the training start's log file
		 * @return whether the app started and exited
		 */
		boolean run(List<String> jvmOptions, Path log);

	}

	/**
	 * The JVM options that map the archive of a configuration, made first if need be.
	 * @param app the app
	 * @param profile the Spring profile, or {@code null} for the default run
	 * @param properties the app's command-line properties
	 * @param classPath the class path of the configuration's starts
	 * @param training the training start, if the archive must be made
	 * @return the options, empty without an archive
	 */
	static synchronized List<String> jvmOptions(AppUnderTest app, @Nullable String profile,
			Map<String, String> properties, String classPath, Training training) {
		if ("false".equals(System.getProperty("fault-suite.cds"))) {
			return List.of();
		}
		String configuration = configuration(app, profile, properties);
		Path archive = archive(configuration);
		if (!usable.containsKey(configuration)) {
			boolean made = train(configuration, archive, classPath, training);
			int failed = made ? 0 : failures.merge(configuration, 1, Integer::sum);
			if (made || failed >= TRAININGS) {
				usable.put(configuration, made);
			}
		}
		if (usable.getOrDefault(configuration, false)) {
			return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
					"-Xlog:cds+dynamic=off");
		}
		return List.of();
	}

	/**
	 * The configuration's name: the app, the profile, and the database of a JDBC URL
	 * ({@code sample-app-postgres-mariadb} for the sample app's JPA profile pointed at MariaDB). The other properties
	 * (ports, kill points, a lease) change few loaded classes.
	 * @param app the app
	 * @param profile the Spring profile, or {@code null}
	 * @param properties the app's command-line properties
	 * @return the name, usable in a file name
	 */
	static String configuration(AppUnderTest app, @Nullable String profile, Map<String, String> properties) {
		String name = app.fileName() + "-" + ((profile != null) ? profile : "default");
		String url = properties.get("spring.datasource.url");
		if (url != null && url.startsWith("jdbc:")) {
			name += "-" + URI.create(url.substring("jdbc:".length())).getScheme();
		}
		return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
	}

	private static Path archive(String configuration) {
		return ChildClassPath.DIRECTORY.resolve(configuration + ".jsa").toAbsolutePath();
	}

	/**
	 * A class path's entries, each with its size and time stamp: what the JVM checks before it maps an archive.
	 * @param classPath the class path
	 * @return one line per entry
	 * @throws IOException if an entry cannot be read
	 */
	static String fingerprint(String classPath) throws IOException {
		StringBuilder fingerprint = new StringBuilder();
		for (String entry : classPath.split(java.io.File.pathSeparator)) {
			Path path = Path.of(entry);
			fingerprint.append(entry)
				.append(' ')
				.append(Files.exists(path) ? Files.size(path) + " " + Files.getLastModifiedTime(path).toMillis() : "-")
				.append('\n');
		}
		return fingerprint.toString();
	}

	private static boolean train(String configuration, Path archive, String classPath, Training training) {
		long start = System.nanoTime();
		Path madeFor = archive.resolveSibling(archive.getFileName() + ".classpath");
		Path log = archive.resolveSibling(configuration + "-cds-training.log");
		try {
			String fingerprint = fingerprint(classPath);
			if (Files.exists(archive) && Files.exists(madeFor) && Files.readString(madeFor).equals(fingerprint)) {
				System.out.println("fault suite: class-data archive reused: " + archive);
				return true;
			}
			Files.deleteIfExists(madeFor);
			Files.deleteIfExists(archive);
			boolean exited;
			try {
				exited = training.run(List.of("-XX:ArchiveClassesAtExit=" + archive), log);
			}
			finally {
				StartUps.recordPreparation(System.nanoTime() - start);
			}
			boolean made = exited && Files.exists(archive) && Files.size(archive) > 0;
			if (made) {
				Files.writeString(madeFor, fingerprint);
			}
			System.out.println("fault suite: class-data archive " + configuration + " "
					+ (made ? "made" : "NOT made (see " + log + ")") + " in "
					+ TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s");
			return made;
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("fault suite: no class-data archive " + configuration + ": " + ex);
			return false;
		}
	}

}
