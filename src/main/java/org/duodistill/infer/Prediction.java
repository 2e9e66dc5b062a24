package org.duodistill.infer;

/** The classification of one image or slice (slice is 1-based; 1 for 2-D images). */
public record Prediction(String source, int slice, int predicted, String predictedClass, float confidence, float[] probabilities) {}
