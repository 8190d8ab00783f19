package io.dynbatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository the tests check (deploy/ files, the job jar). */
final class Repo {

    private Repo() {}

    /** The repository root: {@code -Ddynbatch.repo.root} (set by the e2e pom), else the parent of e2e/. */
    static Path root() {
        String configured = System.getProperty("dynbatch.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("deploy/local-cluster.sh"))) {
            throw new IllegalStateException("not the dynbatch repository root (no deploy/local-cluster.sh): " + root);
        }
        return root;
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing file " + relative + " (" + p + ")");
        }
        return p;
    }
}
