package org.duodistill.spark;

import java.io.Serializable;

/** One labelled plane's probabilities ({@code probabilities} null and {@code reason} set when its file could not be read). */
record EvaluatedPlane(long order, int slice, float[] probabilities, String reason) implements Serializable {}
