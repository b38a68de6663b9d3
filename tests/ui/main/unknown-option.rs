webhook::main!(privat_key = "k");
