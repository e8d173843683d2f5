/** The Deep Java Library adapter: slimgrad's optimizers behind a DJL {@code Optimizer}, and the pretraining demo. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // DJL's jars name their module in the manifest: ai.djl.api is stable
module org.slimgrad.djl {
    requires transitive org.slimgrad;
    requires org.slimgrad.cuda;
    requires transitive ai.djl.api;

    exports org.slimgrad.djl;
    exports org.slimgrad.djl.pretrain;
}
