package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A class-data sharing archive of the sample app's classes (AppCDS), made by a training start of the app
 * ({@code -XX:ArchiveClassesAtExit}, the app exiting once its context is refreshed) and mapped by every child app
 * after it: the classes come parsed and verified, which saves part of each start-up's CPU. It is made again only
 * when the class path changed (its jars, their sizes and time stamps, recorded next to it), so a second run in the
 * same {@code target/} reuses it. The suite runs without it when {@code -Dfault-suite.cds=false}, or when the
 * training fails (its log says why); a JVM that finds the archive stale ignores it and loads its classes as usual.
 */
final class ClassDataArchive {

	private static final Path ARCHIVE = ChildClassPath.DIRECTORY.resolve("sample-app.jsa").toAbsolutePath();

	private static final Path LOG = ChildClassPath.DIRECTORY.resolve("sample-app-cds-training.log");

	private static final Path MADE_FOR = ChildClassPath.DIRECTORY.resolve("sample-app.jsa.classpath");

	private static Boolean usable;

	private ClassDataArchive() {
	}

	/**
	 * The JVM options that map the archive, made first if need be.
	 * @return the options, empty without an archive
	 */
	static synchronized List<String> jvmOptions() {
		if (usable == null) {
			usable = !"false".equals(System.getProperty("fault-suite.cds")) && train();
		}
		return usable ? List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-Xshare:auto", "-Xlog:cds=off",
				"-Xlog:cds+dynamic=off") : List.of();
	}

	// each entry with its size and time stamp: what the JVM checks before it maps an archive
	private static String fingerprint(String classPath) throws IOException {
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

	private static boolean train() {
		long start = System.nanoTime();
		try {
			String classPath = fingerprint(ChildClassPath.get());
			if (Files.exists(ARCHIVE) && Files.exists(MADE_FOR) && Files.readString(MADE_FOR).equals(classPath)) {
				System.out.println("fault suite: class-data archive reused: " + ARCHIVE);
				return true;
			}
			Files.deleteIfExists(MADE_FOR);
			Files.deleteIfExists(ARCHIVE);
			List<String> command = new java.util.ArrayList<>(ChildApp.jvm());
			command.addAll(List.of("-XX:ArchiveClassesAtExit=" + ARCHIVE, "-Dspring.context.exit=onRefresh", "-cp",
					ChildClassPath.get(), ChildApp.MAIN_CLASS, "--server.port=0", "--server.address=127.0.0.1",
					"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
			command.addAll(ChildApp.lighterStartUp(null));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(LOG.toFile())
				.start();
			boolean exited = process.waitFor(10, TimeUnit.MINUTES);
			if (!exited) {
				process.destroyForcibly();
			}
			boolean made = exited && Files.exists(ARCHIVE) && Files.size(ARCHIVE) > 0;
			if (made) {
				Files.writeString(MADE_FOR, classPath);
			}
			System.out.println("fault suite: class-data archive " + (made ? "made" : "NOT made (see " + LOG + ")")
					+ " in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s");
			return made;
		}
		catch (IOException ex) {
			System.out.println("fault suite: no class-data archive: " + ex);
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
