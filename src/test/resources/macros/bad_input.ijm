// One failure per run, as a user would meet it: the argument says which.
// Every failure must end the macro with one "DuoDistill: ..." line, never a stack trace or a dialog.
args = split(getArgument(), ",");
call("org.duodistill.fiji.DuoDistillMacroExtensions.enable");
Ext.loadModel(args[0]);
print("loaded");
if (args[1] == "missing") Ext.classify("/no/such/folder/image.png", cls, conf);
if (args[1] == "text") Ext.classify(args[2], cls, conf);
if (args[1] == "model") Ext.loadModel(args[2]);
print("not reached");
