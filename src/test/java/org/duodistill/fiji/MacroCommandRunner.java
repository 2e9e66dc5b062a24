package org.duodistill.fiji;

import ij.Macro;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a DuoDistill command from its macro form in a JVM of its own, as Fiji's macro recorder replays
 * it: {@code java ... MacroCommandRunner org.duodistill.fiji.XCommand "key=value key=[v a l] flag"}.
 * Absent booleans are false (ImageJ's macro convention); exit status 0 only when the command finished.
 */
public final class MacroCommandRunner {
	private MacroCommandRunner() {}

	/** The command's inputs from a macro options string, converted to their types as ImageJ's macro layer does. */
	static Map<String, Object> inputs(Context context, Class<? extends org.scijava.command.Command> command, String options) {
		ConvertService convert = context.service(ConvertService.class);
		Map<String, Object> in = new HashMap<>();
		for (ModuleItem<?> item : context.service(CommandService.class).getCommand(command).inputs()) {
			Class<?> type = item.getType();
			if (type == boolean.class || type == Boolean.class) {
				String v = Macro.getValue(options, item.getName(), null);
				in.put(item.getName(), "true".equals(v) || (" " + options + " ").contains(" " + item.getName() + " "));
				continue;
			}
			String value = Macro.getValue(options, item.getName(), null);
			if (value == null || !convert.supports(value, type)) continue;
			in.put(item.getName(), convert.convert(value, type));
		}
		return in;
	}

	public static void main(String[] args) throws Exception {
		@SuppressWarnings("unchecked")
		Class<? extends org.scijava.command.Command> command = (Class<? extends org.scijava.command.Command>) Class.forName(args[0]);
		Context context = new Context(CommandService.class, LogService.class, StatusService.class, ConvertService.class);
		try {
			CommandModule m = context.service(CommandService.class).run(command, true, inputs(context, command, args[1])).get(10, TimeUnit.MINUTES);
			if (m.isCanceled()) {
				System.err.println("cancelled: " + m.getCancelReason());
				System.exit(2);
			}
			System.out.println("summary: " + m.getOutput("summary"));
		} finally {
			context.dispose();
		}
		System.exit(0);
	}
}
