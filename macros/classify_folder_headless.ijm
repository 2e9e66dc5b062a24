// Classify every image under a folder and save the predictions as CSV
// (columns file, slice, predicted, confidence, p_<class>...).
//
// Headless, from a terminal:
//   ImageJ-linux64 --headless -macro classify_folder_headless.ijm "/path/images,/models/orientation,/path/predictions.csv"

args = split(getArgument(), ",");
if (args.length < 3) exit("usage: <image folder> <model folder> <output csv>");
run("Classify Folder...", "input=[" + args[0] + "] model=[" + args[1] + "] output=[" + args[2] + "] device=auto");
print("predictions saved to " + args[2]);
