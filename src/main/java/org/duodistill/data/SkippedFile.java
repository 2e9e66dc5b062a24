package org.duodistill.data;

import java.nio.file.Path;

/** A file left out of a dataset and why (corrupt, empty, not an image, unreadable, missing). */
public record SkippedFile(Path file, String reason) {}
