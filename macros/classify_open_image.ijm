// Classify the active image (2-D, stack or hyperstack: one row per plane) with a trained model,
// write the predicted class into each slice label, and report the first row.
//
// Headless, from a terminal (opens the image first):
//   ImageJ-linux64 --headless -macro classify_open_image.ijm "/path/image.tif,/models/orientation"

args = split(getArgument(), ",");
if (args.length >= 2) {
	open(args[0]);
	model = args[1];
} else {
	model = getDirectory("Choose a DuoDistill model folder");
}
run("Classify Image", "model=[" + model + "] label_slices device=auto");
table = "DuoDistill Predictions";
if (isOpen(table)) {
	print(getTitle() + ": " + Table.getString("predicted", 0, table) + " (" + Table.get("confidence", 0, table) + ")");
}
