// The extensions enabled through ImageJ's command table (plugins.config in DuoDistill_-*.jar).
args = split(getArgument(), ",");
run("DuoDistill Macro Extensions");
Ext.loadModel(args[0]);
Ext.getClassNames(names);
Ext.classify(args[1], cls, conf);
print("menu: " + names + " -> " + cls + " " + d2s(conf, 6));
