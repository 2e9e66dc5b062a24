// Loop over the files of a folder with the DuoDistill macro extensions: the predicted class and
// confidence come back as macro variables, no tables to parse. Writes a small CSV.
//
// Headless, from a terminal:
//   ImageJ-linux64 --headless -macro classify_files_with_extensions.ijm "/models/orientation,/path/images,/path/out.csv"
// or with plain ImageJ 1 (docs/fiji.md):
//   java -Djava.awt.headless=true -Dplugins.dir=IJ -jar IJ/ij.jar -ijpath IJ -batch classify_files_with_extensions.ijm "..."

args = split(getArgument(), ",");
if (args.length < 3) exit("usage: <model folder> <image folder> <output csv>");
modelDir = args[0];
dir = args[1];
if (!endsWith(dir, File.separator)) dir = dir + File.separator;
out = args[2];

// Enables Ext.loadModel, Ext.classify, ... everywhere: Fiji, and ImageJ 1 with or without a display.
// Where ImageJ has menus, run("DuoDistill Macro Extensions"); does the same.
call("org.duodistill.fiji.DuoDistillMacroExtensions.enable");
Ext.loadModel(modelDir);
Ext.getClassNames(names);
Ext.getClassCount(count);
classes = split(names, ",");

csv = "file,predicted,confidence,p_" + classes[0] + "\n";
list = getFileList(dir);
n = 0;
for (i = 0; i < list.length; i++) {
	if (endsWith(list[i], "/")) continue;
	Ext.classify(dir + list[i], cls, conf);
	Ext.getProbability(classes[0], p0);
	csv = csv + list[i] + "," + cls + "," + d2s(conf, 6) + "," + d2s(p0, 6) + "\n";
	n++;
}
Ext.unloadModel();
File.saveString(csv, out);
print("classified " + n + " files into " + count + " classes: " + names);
