package io.dynbatch.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link and image in the repository's Markdown files points at a file or directory
 * that exists: {@code [text](path)}, {@code ![alt](path)} and reference definitions
 * {@code [label]: path}, outside fenced code blocks and inline code. URLs (any scheme) and
 * in-page anchors ({@code #...}) are not checked; a {@code #anchor} after a path is ignored.
 */
class MarkdownLinksTest {

    /** Directories that hold build output, dependencies or Git's own files, not documentation. */
    static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules", ".git", ".ipynb_checkpoints");

    /** {@code [text](target)} or {@code ![alt](target "title")}; the text may hold one level of brackets. */
    static final Pattern INLINE_LINK =
            Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");

    /** {@code [label]: target} at the start of a line. */
    static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");

    static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    static final Pattern INLINE_CODE = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

    @Test
    void everyRelativeLinkInTheMarkdownFilesResolves() throws IOException {
        Path root = Repo.root();
        List<Path> files = markdownFiles(root);
        assertThat(files).as("Markdown files under " + root).isNotEmpty();

        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            for (Link link : links(file)) {
                checked++;
                if (!Files.exists(resolve(root, file, link.target))) {
                    broken.add(root.relativize(file) + ":" + link.line + ": " + link.target);
                }
            }
        }
        assertThat(checked).as("relative links found").isPositive();
        assertThat(broken)
                .as("relative links that do not resolve (file:line: target), " + broken.size() + " of " + checked)
                .isEmpty();
    }

    @Test
    void findsLinksAndSkipsUrlsAnchorsAndCode() {
        List<String> targets = new ArrayList<>();
        for (Link link : links(List.of(
                "See [the docs](docs/a.md#part), ![fig](img/x.png \"title\") and [a [nested] label](../b.md).",
                "Not checked: [web](https://example.org/x), [mail](mailto:a@b.c), [here](#anchor), `[code](no.md)`.",
                "```",
                "[inside a fence](fenced.md)",
                "```",
                "[ref]: <ref path.md>"))) {
            targets.add(link.target);
        }
        assertThat(targets).containsExactly("docs/a.md", "img/x.png", "../b.md", "ref path.md");
    }

    static List<Path> markdownFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                boolean skipped = !dir.equals(root) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString());
                return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".md")) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    record Link(int line, String target) {}

    static List<Link> links(Path file) {
        try {
            return links(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The relative link targets in these lines, anchors stripped, with their 1-based line numbers. */
    static List<Link> links(List<String> lines) {
        List<Link> links = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.stripLeading();
            if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
                fence = trimmed.substring(0, 3);
                continue;
            }
            if (fence != null) {
                if (trimmed.startsWith(fence)) {
                    fence = null;
                }
                continue;
            }
            String text = INLINE_CODE.matcher(line).replaceAll("");
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                add(links, i + 1, inline.group(1));
            }
            Matcher reference = REFERENCE_DEFINITION.matcher(text);
            if (reference.find()) {
                add(links, i + 1, reference.group(1));
            }
        }
        return links;
    }

    private static void add(List<Link> links, int line, String rawTarget) {
        String target = rawTarget;
        if (target.startsWith("<") && target.endsWith(">")) {
            target = target.substring(1, target.length() - 1);
        }
        if (target.isEmpty() || target.startsWith("#") || SCHEME.matcher(target).find()) {
            return;
        }
        int anchor = target.indexOf('#');
        if (anchor >= 0) {
            target = target.substring(0, anchor);
        }
        int query = target.indexOf('?');
        if (query >= 0) {
            target = target.substring(0, query);
        }
        links.add(new Link(line, URLDecoder.decode(target.replace("+", "%2B"), StandardCharsets.UTF_8)));
    }

    /** Relative to the file's directory; a leading slash means the repository root (as on GitHub). */
    static Path resolve(Path root, Path file, String target) {
        if (target.startsWith("/")) {
            return root.resolve(target.substring(1)).normalize();
        }
        return file.getParent().resolve(target).normalize();
    }
}
