// Ext.explain in a real ImageJ 1: arguments model folder, image folder, output folder.
args = split(getArgument(), ",");
call("org.duodistill.fiji.DuoDistillMacroExtensions.enable");
Ext.loadModel(args[0]);
csv = Ext.explain(args[1], args[2]);
print("explained: " + csv);
