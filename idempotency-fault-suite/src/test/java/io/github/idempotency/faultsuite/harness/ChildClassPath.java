package io.github.idempotency.faultsuite.harness;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The child apps' class path: this JVM's, with every directory on it (the suite's own test classes) packed into a
 * jar under {@code target/fault-suite-child/}, because a class-data sharing archive only holds classes from jars.
 * Computed once per suite.
 */
final class ChildClassPath {

	static final Path DIRECTORY = Path.of("target", "fault-suite-child");

	// every entry's time stamp, so that the same classes make the same jar: left to the time of packing, they made
	// a new jar each run, and with it a stale class-data archive that each run trained again
	private static final long ENTRY_TIME = java.time.Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

	private static String value;

	private ChildClassPath() {
	}

	static synchronized String get() {
		if (value == null) {
			value = pack(System.getProperty("java.class.path"));
		}
		return value;
	}

	private static String pack(String classPath) {
		try {
			Files.createDirectories(DIRECTORY);
			List<String> entries = new ArrayList<>();
			int directories = 0;
			for (String entry : classPath.split(File.pathSeparator)) {
				Path path = Path.of(entry);
				if (Files.isDirectory(path)) {
					Path jar = DIRECTORY.resolve("classes-" + directories++ + ".jar").toAbsolutePath();
					jar(jar, path);
					entries.add(jar.toString());
				}
				else if (!entry.isEmpty()) {
					entries.add(entry);
				}
			}
			return String.join(File.pathSeparator, entries);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Packs directories into a jar, in a stable order and with fixed time stamps, so that the same files make the
	 * same jar; an entry that an earlier directory already gave is left out.
	 * @param jar the jar, replaced only if its content changed
	 * @param directories the directories, whose files go to the jar's root
	 * @throws IOException if a file cannot be read or the jar written
	 */
	static void jar(Path jar, Path... directories) throws IOException {
		Path temporary = Files.createTempFile(DIRECTORY, "classes", ".tmp");
		Set<String> names = new HashSet<>();
		try (OutputStream file = Files.newOutputStream(temporary); JarOutputStream out = new JarOutputStream(file)) {
			for (Path directory : directories) {
				try (Stream<Path> files = Files.walk(directory)) {
					for (Path each : (Iterable<Path>) files.sorted()::iterator) {
						String name = directory.relativize(each).toString().replace(File.separatorChar, '/');
						if (Files.isDirectory(each)) {
							name += "/";
						}
						if (name.equals("/") || !names.add(name)) {
							continue;
						}
						JarEntry entry = new JarEntry(name);
						entry.setTime(ENTRY_TIME);
						out.putNextEntry(entry);
						if (!Files.isDirectory(each)) {
							Files.copy(each, out);
						}
						out.closeEntry();
					}
				}
			}
		}
		// an unchanged jar keeps its time stamp, so that the class-data archive made from it stays valid
		if (Files.exists(jar) && Files.mismatch(temporary, jar) == -1) {
			Files.delete(temporary);
		}
		else {
			Files.move(temporary, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
