package org.duodistill.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The minimal RFC 4180 reader and writer used for dataset lists and reports. */
class CsvTest {
	@Test
	void parsesQuotedFieldsWithCommasAndDoubledQuotes() {
		assertEquals(List.of("a", "b,c", "say \"hi\"", ""), Csv.parseLine("a,\"b,c\",\"say \"\"hi\"\"\","));
		assertEquals(List.of("img/x.png", "tumour", "train"), Csv.parseLine("img/x.png,tumour,train"));
		assertEquals(List.of(""), Csv.parseLine(""));
		assertEquals(List.of("", "", ""), Csv.parseLine(",,"));
	}

	@Test
	void rowQuotesOnlyWhenNeeded() {
		assertEquals("plain,42,1.5", Csv.row("plain", 42, 1.5));
		assertEquals("\"a,b\",\"say \"\"hi\"\"\"", Csv.row("a,b", "say \"hi\""));
		assertEquals("null", Csv.row((Object) null));
	}

	@Test
	void rowAndParseLineRoundTrip() {
		List<List<String>> rows = List.of(
				List.of("images/a,1.tif", "class \"A\"", "val"),
				List.of("C:\\data\\x.png", "", "test"),
				List.of("\"", ",", "\"\"", ",\","),
				List.of("  spaced  ", "ünïcödé", "tab\there"),
				List.of("two\nlines", "x"));
		for (List<String> fields : rows) {
			String line = Csv.row(fields.toArray());
			assertEquals(fields, Csv.parseLine(line), line);
		}
		assertEquals(Arrays.asList("only"), Csv.parseLine(Csv.row("only")));
	}
}
