// Explain the active image's prediction: for each slice a map of the pixels that decided its class,
// opened as "Explanation of <title>" and laid over the image, with the peak of each map in a table.
// With an output folder it also saves the maps (32-bit TIFF), overlays (PNG) and explanations.csv.
//
// Headless, from a terminal (opens the image first):
//   ImageJ-linux64 --headless -macro explain_open_image.ijm "/path/image.tif,/models/orientation,/path/maps"

args = split(getArgument(), ",");
// class_name=[] explains each slice's predicted class; name a class to ask why (not) that one
if (args.length >= 3) {
	open(args[0]);
	run("Explain Prediction", "model=[" + args[1] + "] class_name=[] method=occlusion opacity=0.4 output=[" + args[2] + "] overwrite device=auto");
} else {
	model = getDirectory("Choose a DuoDistill model folder");
	run("Explain Prediction", "model=[" + model + "] class_name=[] method=occlusion opacity=0.4 device=auto");
}
table = "DuoDistill Explanations";
if (isOpen(table)) {
	print(getTitle() + ": " + Table.getString("predicted", 0, table) + ", map peak at "
		+ Table.get("peak_x", 0, table) + "," + Table.get("peak_y", 0, table));
}
