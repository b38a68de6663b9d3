clustaar_webhook::main!(body_limit = "2MiB", request_max_age = "ten");
