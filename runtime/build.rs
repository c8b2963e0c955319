fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		// The runtime the end-to-end upgrade test upgrades to: this one with the
		// `upgrade-test` feature (a higher spec_version), written next to the
		// runtime's own blob as `gym_runtime_upgrade.compact.compressed.wasm`.
		// Built only when asked (scripts/test.sh does), as it compiles this crate
		// for wasm a second time.
		println!("cargo:rerun-if-env-changed=GYM_BUILD_UPGRADE_RUNTIME");
		if std::env::var_os("GYM_BUILD_UPGRADE_RUNTIME").is_some() {
			substrate_wasm_builder::WasmBuilder::init_with_defaults()
				.enable_feature("upgrade-test")
				.set_file_name("gym_runtime_upgrade")
				.build();
		}
	}
}
